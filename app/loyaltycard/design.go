package loyaltycard

import (
	"smartpoint/app/i18n"
)

// Design is how the point's stamp card looks: everything the owner sets
// in the card editor. It is plain data, stored by the app as JSON; images
// travel as PNG bytes (base64 in JSON). A Design is used only after
// Validate accepts it.
type Design struct {
	Title    string `json:"title"`              // big text at the top, e.g. "Stamp card"
	Subtitle string `json:"subtitle,omitempty"` // the point's name under the title

	// Colours as "#RRGGBB". Foreground is the text, Accent the filled
	// stamps and the reward line; both must read well on Background.
	Background string `json:"background"`
	Foreground string `json:"foreground"`
	Accent     string `json:"accent"`

	Logo []byte `json:"logo,omitempty"` // optional PNG shown left of the title

	// StampIcon is a built-in shape, or IconCustom to use StampImage (a
	// PNG, ideally square with a transparent background). StampImage is
	// kept but unused with a built-in shape, so the editor can switch
	// back and forth without losing the upload.
	StampIcon  Icon   `json:"stamp_icon"`
	StampImage []byte `json:"stamp_image,omitempty"`

	Stamps int    `json:"stamps"`          // stamps to collect for the reward, MinStamps..MaxStamps
	Reward string `json:"reward"`          // what the full card gives, e.g. "Free packing of one parcel"
	Terms  string `json:"terms,omitempty"` // small print at the bottom
}

// Icon names a stamp shape.
type Icon string

// The built-in stamp shapes are drawn as vectors, so they stay sharp at
// any size; IconCustom uses the owner's own PNG.
const (
	IconCircle Icon = "circle"
	IconStar   Icon = "star"
	IconParcel Icon = "parcel"
	IconHeart  Icon = "heart"
	IconCustom Icon = "custom"
)

// Icons lists the built-in shapes in the order the editor offers them.
var Icons = []Icon{IconCircle, IconStar, IconParcel, IconHeart}

// Limits of a Design. Text limits count characters (runes) and keep every
// text inside its place on the card at a readable size.
const (
	MinStamps = 2
	MaxStamps = 20

	MaxTitle    = 40
	MaxSubtitle = 60
	MaxReward   = 120
	MaxTerms    = 400
	MaxCustomer = 60 // CardState.CustomerName; longer names are cut with "…"

	MaxImageBytes  = 1 << 20 // 1 MiB: a logo, not a photo album
	MaxImagePixels = 2048    // per side; also guards against decompression bombs
)

// DefaultDesign is the card a new point starts from: dark blue with eight
// amber parcel-box stamps, texts in the owner's language and the point's
// name as the subtitle. It always passes Validate: characters the font
// lacks are dropped from the name and a long name is shortened.
func DefaultDesign(pointName string, lang i18n.Lang) Design {
	p := i18n.Printer{L: lang}
	subtitle := ""
	if tf, err := loadTypeface(); err == nil {
		subtitle = cleanName(tf, pointName, MaxSubtitle)
	}
	return Design{
		Title:      p.T("loyaltycard.default_title"),
		Subtitle:   subtitle,
		Background: "#1F3A5F",
		Foreground: "#FFFFFF",
		Accent:     "#F5B700",
		StampIcon:  IconParcel,
		Stamps:     8,
		Reward:     p.T("loyaltycard.default_reward"),
		Terms:      p.T("loyaltycard.default_terms"),
	}
}
