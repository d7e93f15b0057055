; SmartPoint installer for Windows 10/11 x64 (NSIS 3, built on Linux by
; scripts/dist.sh with makensis). Per-machine: Program Files, shortcuts for
; all users, an uninstaller registered in "Apps & features".
;
; makensis -DVERSION=0.1.0 -DVERSION4=0.1.0.123 -DSRCDIR=dist/windows-amd64
;          -DOUTFILE=dist/smartpoint-0.1.0-windows-amd64-setup.exe
;          -DICON=assets/icon/smartpoint.ico -DGUIDE=docs/INSTALL.md
;          -DLANGFILE=dist/.build/installer-lang.nsh packaging/windows/smartpoint.nsi
;
; Silent roll-out (the switches may be combined; /D= must come last):
;   setup.exe /S                      install, desktop shortcut included
;   setup.exe /S /NODESKTOP           without the desktop shortcut
;   setup.exe /S /SHAREDDATA          one database for every Windows user of the PC
;                                     (%ProgramData%\SmartPoint, SMARTPOINT_DB set machine-wide)
;   setup.exe /S /CLOUD               also the cloud server (smartpoint-cloud.exe)
;   setup.exe /S /D=D:\SmartPoint     another folder
;   uninstall.exe /S                  remove the program, keep the counter's data
;   uninstall.exe /S /PURGE           remove the data too (every user's)
; Exit codes: 0 done, 1 cancelled or failed, 2 Windows too old (Go needs Windows 10).
;
; The counter's data is per Windows user: %LOCALAPPDATA%\SmartPoint
; (counter.db, backups\, exports\) and Fyne's settings in
; %APPDATA%\fyne\kg.smartpoint.counter; with /SHAREDDATA it is in
; %ProgramData%\SmartPoint. The uninstaller keeps it unless asked
; (its optional component, or /PURGE).
;
; Texts the installer adds are translated in assets/i18n/install/*.json
; (keys installer.*), turned into LANGFILE by scripts/dist/nsislang.

Unicode true
ManifestDPIAware true
ManifestSupportedOS Win10
SetCompressor /SOLID lzma
RequestExecutionLevel admin

!include MUI2.nsh
!include x64.nsh
!include WinVer.nsh
!include FileFunc.nsh
!include LogicLib.nsh
!include Sections.nsh
!include WinMessages.nsh

!ifndef VERSION | VERSION4 | SRCDIR | OUTFILE | ICON | GUIDE | LANGFILE
  !error "define VERSION, VERSION4, SRCDIR, OUTFILE, ICON, GUIDE and LANGFILE (see the header)"
!endif

; With a certificate (scripts/dist.sh passes -DSIGNCMD), the uninstaller
; written into the installer is signed too; the installer is signed after.
!ifdef SIGNCMD
  !uninstfinalize '"${SIGNCMD}" "%1"' = 0
!endif

!define APPKEY "Software\SmartPoint"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\SmartPoint"
!define ENVKEY "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"

Name "SmartPoint"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\SmartPoint"
InstallDirRegKey HKLM "${APPKEY}" "InstallDir"
BrandingText "SmartPoint ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_SMALLDESC
; No "run SmartPoint now": the installer runs elevated, and the app would
; then keep its data in the administrator's profile, not the clerk's.
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; Russian first: the fallback when Windows speaks none of these (Kyrgyz too).
!insertmacro MUI_LANGUAGE "Russian"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SerbianLatin"

!include /CHARSET=UTF8 "${LANGFILE}"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "SmartPoint"
VIAddVersionKey /LANG=${LANG_ENGLISH} "CompanyName" "SmartPoint"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "SmartPoint installer"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "© SmartPoint"

Section "!$(installer_section_app)" SecApp
  SectionIn RO
  SetShellVarContext all
  SetOutPath "$INSTDIR"
  File "${SRCDIR}\smartpoint.exe"
  File "${SRCDIR}\spctl.exe"
  File "/oname=INSTALL.md" "${GUIDE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\SmartPoint"
  CreateShortcut "$SMPROGRAMS\SmartPoint\SmartPoint.lnk" "$INSTDIR\smartpoint.exe" "" "$INSTDIR\smartpoint.exe" 0
  CreateShortcut "$SMPROGRAMS\SmartPoint\$(installer_shortcut_guide).lnk" "$WINDIR\notepad.exe" '"$INSTDIR\INSTALL.md"'
  CreateShortcut "$SMPROGRAMS\SmartPoint\$(installer_shortcut_uninstall).lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKLM "${APPKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${APPKEY}" "Version" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "SmartPoint"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "SmartPoint"
  WriteRegStr HKLM "${UNINSTKEY}" "URLInfoAbout" "https://smartpoint.kg"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\smartpoint.exe,0"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(installer_section_desktop)" SecDesktop
  SetShellVarContext all
  CreateShortcut "$DESKTOP\SmartPoint.lnk" "$INSTDIR\smartpoint.exe" "" "$INSTDIR\smartpoint.exe" 0
SectionEnd

Section /o "$(installer_section_shared)" SecShared
  ; SetShellVarContext all: $APPDATA is %ProgramData%.
  SetShellVarContext all
  CreateDirectory "$APPDATA\SmartPoint"
  ; Users (S-1-5-32-545) may create and change files there: SQLite writes
  ; its -wal and -shm files next to the database.
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$APPDATA\SmartPoint" /grant *S-1-5-32-545:(OI)(CI)M'
  Pop $0
  WriteRegExpandStr HKLM "${ENVKEY}" "SMARTPOINT_DB" "$APPDATA\SmartPoint\counter.db"
  WriteRegDWORD HKLM "${APPKEY}" "SharedData" 1
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  DetailPrint "SMARTPOINT_DB=$APPDATA\SmartPoint\counter.db"
SectionEnd

Section /o "$(installer_section_cloud)" SecCloud
  SetOutPath "$INSTDIR"
  File "${SRCDIR}\smartpoint-cloud.exe"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} $(installer_desc_app)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} $(installer_desc_desktop)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecShared} $(installer_desc_shared)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecCloud} $(installer_desc_cloud)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "$(installer_win10_required)" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/NODESKTOP" $R1
  ${IfNot} ${Errors}
    !insertmacro UnselectSection ${SecDesktop}
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/SHAREDDATA" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecShared}
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/CLOUD" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecCloud}
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------- uninstall

Section "-un.Program" UnSecApp
  SetShellVarContext all
  SetRegView 64
  Delete "$INSTDIR\smartpoint.exe"
  Delete "$INSTDIR\spctl.exe"
  Delete "$INSTDIR\smartpoint-cloud.exe"
  Delete "$INSTDIR\INSTALL.md"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  RMDir /r "$SMPROGRAMS\SmartPoint"
  Delete "$DESKTOP\SmartPoint.lnk"

  ReadRegDWORD $0 HKLM "${APPKEY}" "SharedData"
  ${If} $0 == 1
    DeleteRegValue HKLM "${ENVKEY}" "SMARTPOINT_DB"
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ${EndIf}
  DeleteRegKey HKLM "${UNINSTKEY}"
  DeleteRegKey HKLM "${APPKEY}"
SectionEnd

Section /o "un.$(installer_section_purge)" UnSecPurge
  ; Every profile's data, not only the account running the uninstaller:
  ; the clerk's is the one that matters and is rarely the administrator's.
  SetShellVarContext current
  ${GetParent} "$PROFILE" $R0
  FindFirst $R1 $R2 "$R0\*"
  ${DoWhile} $R2 != ""
    ${If} $R2 != "."
    ${AndIf} $R2 != ".."
      RMDir /r "$R0\$R2\AppData\Local\SmartPoint"
      RMDir /r "$R0\$R2\AppData\Roaming\fyne\kg.smartpoint.counter"
    ${EndIf}
    FindNext $R1 $R2
  ${Loop}
  FindClose $R1
  SetShellVarContext all
  RMDir /r "$APPDATA\SmartPoint"
  DetailPrint "$(installer_data_deleted)"
SectionEnd

Section "-un.Report"
  ${IfNot} ${SectionIsSelected} ${UnSecPurge}
    DetailPrint "$(installer_data_kept)"
  ${EndIf}
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecPurge} $(installer_desc_purge)
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END

Function un.onInit
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${UnSecPurge}
  ${EndIf}
FunctionEnd
