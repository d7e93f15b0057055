package dist

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const root = "../.."

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tomlValue finds key = "value" (or a bare value) inside [section].
func tomlValue(doc, section, key string) (string, bool) {
	in := section == ""
	sc := bufio.NewScanner(strings.NewReader(doc))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			in = line == "["+section+"]"
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if in && ok && strings.TrimSpace(k) == key {
			return strings.Trim(strings.TrimSpace(v), `"`), true
		}
	}
	return "", false
}

// The appID the counter registers with Fyne (cmd/smartpoint/main.go).
func appID(t *testing.T) string {
	m := regexp.MustCompile(`const appID = "([^"]+)"`).FindStringSubmatch(read(t, "cmd/smartpoint/main.go"))
	if m == nil {
		t.Fatal("cmd/smartpoint/main.go: no appID constant")
	}
	return m[1]
}

func TestVersionFile(t *testing.T) {
	v := strings.TrimSpace(read(t, "VERSION"))
	if !regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$`).MatchString(v) {
		t.Fatalf("VERSION %q is not X.Y.Z or X.Y.Z-suffix (scripts/dist/lib.sh refuses it)", v)
	}
	fv, _ := tomlValue(read(t, "FyneApp.toml"), "Details", "Version")
	if fv != v {
		t.Errorf("FyneApp.toml Version %q, VERSION %q: keep them equal", fv, v)
	}
}

func TestFyneAppComplete(t *testing.T) {
	doc := read(t, "FyneApp.toml")
	for _, k := range [][2]string{{"Details", "ID"}, {"Details", "Name"}, {"Details", "Version"}, {"Details", "Build"},
		{"Details", "Icon"}, {"LinuxAndBSD", "GenericName"}, {"LinuxAndBSD", "Categories"}, {"LinuxAndBSD", "Comment"}} {
		if v, ok := tomlValue(doc, k[0], k[1]); !ok || v == "" {
			t.Errorf("FyneApp.toml lacks [%s] %s", k[0], k[1])
		}
	}
	if id, _ := tomlValue(doc, "Details", "ID"); id != appID(t) {
		t.Errorf("FyneApp.toml ID %q, the app's appID %q", id, appID(t))
	}
	icon, _ := tomlValue(doc, "Details", "Icon")
	if _, err := os.Stat(filepath.Join(root, icon)); err != nil {
		t.Errorf("FyneApp.toml Icon: %v", err)
	}
	if c, _ := tomlValue(doc, "LinuxAndBSD", "Categories"); !strings.Contains(c, "Office") {
		t.Errorf("FyneApp.toml Categories %s: the desktop entry says Office", c)
	}
}

func desktopEntry(t *testing.T) map[string]string {
	name := "packaging/linux/" + appID(t) + ".desktop"
	doc := read(t, name)
	if !strings.HasPrefix(doc, "[Desktop Entry]\n") {
		t.Fatalf("%s must start with [Desktop Entry]", name)
	}
	m := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(doc), "\n")[1:] {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("%s: line %q", name, l)
		}
		if _, dup := m[k]; dup {
			t.Errorf("%s: %s twice", name, k)
		}
		m[k] = v
	}
	return m
}

func TestDesktopEntry(t *testing.T) {
	d := desktopEntry(t)
	want := map[string]string{"Type": "Application", "Name": "SmartPoint", "Exec": "smartpoint", "Icon": appID(t),
		"Terminal": "false", "Categories": "Office;"}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("desktop entry %s=%q, want %q", k, d[k], v)
		}
	}
	for _, l := range []string{"ru", "ky", "sr"} {
		for _, k := range []string{"GenericName", "Comment", "Keywords"} {
			if d[k+"["+l+"]"] == "" {
				t.Errorf("desktop entry lacks %s[%s]", k, l)
			}
		}
	}
	if gn, _ := tomlValue(read(t, "FyneApp.toml"), "LinuxAndBSD", "GenericName"); gn != d["GenericName"] {
		t.Errorf("GenericName: FyneApp.toml %q, desktop entry %q", gn, d["GenericName"])
	}
}

// The udev rule parses (KEY op "value", comma-separated) and gives the
// scanners' and printers' device nodes to the seat user and the groups.
func TestUdevRule(t *testing.T) {
	doc := read(t, "packaging/linux/60-smartpoint.rules")
	pair := regexp.MustCompile(`^([A-Z_]+(\{[A-Za-z_]+\})?)(==|!=|\+=|=|:=)"([^"]*)"$`)
	var rules []string
	for i, l := range strings.Split(doc, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		for _, p := range strings.Split(l, ", ") {
			if !pair.MatchString(strings.TrimSpace(p)) {
				t.Errorf("60-smartpoint.rules:%d: %q is not KEY op \"value\"", i+1, p)
			}
		}
		rules = append(rules, l)
	}
	has := func(parts ...string) bool {
		return slices.ContainsFunc(rules, func(r string) bool {
			for _, p := range parts {
				if !strings.Contains(r, p) {
					return false
				}
			}
			return true
		})
	}
	if !has(`SUBSYSTEM=="tty"`, `ttyACM`, `ttyUSB`, `GROUP="dialout"`, `TAG+="uaccess"`) {
		t.Error("no rule for serial scanners (tty, dialout, uaccess)")
	}
	if !has(`SUBSYSTEM=="usbmisc"`, `lp[0-9]*`, `GROUP="lp"`, `TAG+="uaccess"`) {
		t.Error("no rule for USB printers (usbmisc, lp, uaccess)")
	}
	if "60-smartpoint.rules" >= "73-seat-late.rules" {
		t.Error("uaccess tags must be set before 73-seat-late.rules")
	}
}

func TestDebianControl(t *testing.T) {
	for _, pkg := range []string{"smartpoint", "smartpoint-cloud"} {
		doc := read(t, "packaging/linux/deb/"+pkg+"/control.in")
		for _, f := range []string{"Package: " + pkg + "\n", "Version: @DEB_VERSION@\n", "Architecture: amd64\n",
			"Maintainer: ", "Installed-Size: @INSTALLED_SIZE@\n", "Depends: @DEPENDS@\n", "Description: "} {
			if !strings.Contains(doc, f) {
				t.Errorf("%s control.in lacks %q", pkg, f)
			}
		}
		for _, s := range []string{"postinst", "prerm", "postrm"} {
			p := filepath.Join(root, "packaging/linux/deb", pkg, s)
			st, err := os.Stat(p)
			if err != nil {
				continue
			}
			if st.Mode()&0o111 == 0 {
				t.Errorf("%s/%s is not executable", pkg, s)
			}
			b, _ := os.ReadFile(p)
			if !strings.HasPrefix(string(b), "#!/bin/sh\n") || !strings.Contains(string(b), "\nset -e\n") {
				t.Errorf("%s/%s: want #!/bin/sh and set -e", pkg, s)
			}
			if sh, err := exec.LookPath("sh"); err == nil {
				if out, err := exec.Command(sh, "-n", p).CombinedOutput(); err != nil {
					t.Errorf("%s/%s: %v %s", pkg, s, err, out)
				}
			}
		}
	}
	if !strings.Contains(read(t, "packaging/linux/deb/smartpoint/postinst"), "dialout,lp") {
		t.Error("the postinst must tell the installer about the dialout and lp groups")
	}
}

// scripts/dist.sh rewrites the unit's ExecStart for /usr/bin: a change to
// the unit must fail here, not at release time.
func TestCloudUnit(t *testing.T) {
	unit := read(t, "cmd/smartpoint-cloud/smartpoint-cloud.service")
	if !regexp.MustCompile(`(?m)^ExecStart=/usr/local/bin/smartpoint-cloud `).MatchString(unit) {
		t.Error("smartpoint-cloud.service: ExecStart is not /usr/local/bin/smartpoint-cloud …; update scripts/dist.sh's rewrite")
	}
	if !strings.Contains(unit, "User=smartpoint-cloud") ||
		!strings.Contains(read(t, "packaging/linux/deb/smartpoint-cloud/smartpoint-cloud.sysusers"), "u smartpoint-cloud ") {
		t.Error("the unit's user must be the one sysusers.d creates")
	}
}

func TestWinres(t *testing.T) {
	for _, b := range []string{"smartpoint", "spctl", "smartpoint-cloud"} {
		var res struct {
			Icon     map[string]map[string]string         `json:"RT_GROUP_ICON"`
			Manifest map[string]map[string]map[string]any `json:"RT_MANIFEST"`
			Version  map[string]map[string]struct {
				Info map[string]map[string]string `json:"info"`
			} `json:"RT_VERSION"`
		}
		name := "packaging/windows/winres/" + b + ".json"
		if err := json.Unmarshal([]byte(read(t, name)), &res); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		icon := res.Icon["APP"]["0000"]
		if _, err := os.Stat(filepath.Join(root, "packaging/windows/winres", icon)); icon == "" || err != nil {
			t.Errorf("%s: icon %q: %v", name, icon, err)
		}
		man := res.Manifest["#1"]["0409"]
		if man["minimum-os"] != "win10" {
			t.Errorf("%s: minimum-os %v (Go 1.21+ needs Windows 10)", name, man["minimum-os"])
		}
		if b == "smartpoint" && man["dpi-awareness"] != "per monitor v2" {
			t.Errorf("%s: dpi-awareness %v", name, man["dpi-awareness"])
		}
		strs := res.Version["#1"]["0000"].Info["0409"]
		if strs["OriginalFilename"] != b+".exe" || strs["ProductName"] != "SmartPoint" || strs["FileDescription"] == "" {
			t.Errorf("%s: version strings %v", name, strs)
		}
	}
}

// The NSIS script keeps the promises made in docs/INSTALL.md.
func TestNSISScript(t *testing.T) {
	nsi := read(t, "packaging/windows/smartpoint.nsi")
	for _, want := range []string{
		"RequestExecutionLevel admin",                // per-machine
		`InstallDir "$PROGRAMFILES64\`,               // 64-bit Program Files
		"SetShellVarContext all",                     // shortcuts for every user
		`$SMPROGRAMS\SmartPoint\SmartPoint.lnk`,      // Start menu
		`$DESKTOP\SmartPoint.lnk`,                    // desktop
		`Section /o "un.$(installer_section_purge)"`, // the data stays unless asked
		`"/PURGE"`, `"/NODESKTOP"`, `"/SHAREDDATA"`, `"/CLOUD"`,
		`AppData\Local\SmartPoint`, // the app's data dir (app/store.DefaultPath)
		`"SMARTPOINT_DB"`,          // the shared database (app/store.EnvDB)
		"${AtLeastWin10}",
		"!uninstfinalize", // signed uninstaller
		"QuietUninstallString",
	} {
		if !strings.Contains(nsi, want) {
			t.Errorf("smartpoint.nsi lacks %q", want)
		}
	}
	if strings.Contains(nsi, "MUI_FINISHPAGE_RUN ") {
		t.Error("no run-after-install: the elevated app would keep its data in the administrator's profile")
	}
	store := read(t, "app/store/paths.go")
	if !strings.Contains(store, `filepath.Join(dir, "SmartPoint", "counter.db")`) || !strings.Contains(store, `EnvDB = "SMARTPOINT_DB"`) {
		t.Error("app/store's Windows path or SMARTPOINT_DB changed: update packaging/windows/smartpoint.nsi and docs/INSTALL.md")
	}
}

func TestWXS(t *testing.T) {
	var wix struct {
		Product struct {
			UpgradeCode string `xml:"UpgradeCode,attr"`
			Package     struct {
				Scope string `xml:"InstallScope,attr"`
			} `xml:"Package"`
		} `xml:"Product"`
	}
	doc := read(t, "packaging/windows/smartpoint.wxs")
	if err := xml.Unmarshal([]byte(doc), &wix); err != nil {
		t.Fatal(err)
	}
	if wix.Product.Package.Scope != "perMachine" {
		t.Errorf("MSI scope %q", wix.Product.Package.Scope)
	}
	if wix.Product.UpgradeCode != "1e7fa24a-fbbc-438d-91e4-28637e9ce4a6" {
		t.Error("the MSI UpgradeCode must never change (upgrades would install side by side)")
	}
	for _, f := range []string{`Source="$(var.SrcDir)/smartpoint.exe"`, `Source="$(var.SrcDir)/spctl.exe"`, "<MajorUpgrade", `Id="ProgramMenuFolder"`, `Id="DesktopFolder"`} {
		if !strings.Contains(doc, f) {
			t.Errorf("smartpoint.wxs lacks %s", f)
		}
	}
}

func TestScripts(t *testing.T) {
	bash, err := exec.LookPath("bash")
	for _, s := range []string{"scripts/dist.sh", "scripts/dist-check.sh", "scripts/dist-deps.sh", "scripts/dist-bench.sh",
		"scripts/dist/test-sign.sh", "scripts/dist/sign-file.sh", "scripts/dist/lib.sh",
		"packaging/linux/install-smartpoint.sh", "packaging/linux/install-smartpoint-cloud.sh"} {
		p := filepath.Join(root, s)
		st, serr := os.Stat(p)
		if serr != nil {
			t.Error(serr)
			continue
		}
		if !strings.HasSuffix(s, "lib.sh") && st.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable", s)
		}
		if err == nil {
			if out, err := exec.Command(bash, "-n", p).CombinedOutput(); err != nil {
				t.Errorf("%s: %v %s", s, err, out)
			}
		}
	}
}
