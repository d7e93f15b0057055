package loyaltycard

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"smartpoint/app/errs"
)

// Keys is a point's card-signing key pair. The private key never leaves
// the point's database; the public key is what the cloud and the owner's
// other points need to check a card.
type Keys struct {
	Private ed25519.PrivateKey
	Public  ed25519.PublicKey
}

// Text forms of the keys, for the app's meta table and for sharing the
// public key. The label says what the text is, so a public key pasted
// where the private one belongs is refused rather than misread.
const (
	privateLabel = "ed25519-seed:"
	publicLabel  = "ed25519-public:"
)

var keyText = base64.RawURLEncoding

// GenerateKeys makes a new key pair from the system's secure random source.
func GenerateKeys() (Keys, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Keys{}, fmt.Errorf("loyaltycard: generate card keys: %w", err)
	}
	return Keys{Private: priv, Public: pub}, nil
}

// MarshalPrivate is the private key as text: the 32-byte RFC 8032 seed,
// from which ParsePrivate rebuilds both keys.
func (k Keys) MarshalPrivate() (string, error) {
	if len(k.Private) != ed25519.PrivateKeySize {
		return "", errs.New(ErrBadKey, "Which", "private")
	}
	return privateLabel + keyText.EncodeToString(k.Private.Seed()), nil
}

// ParsePrivate reads MarshalPrivate's text.
func ParsePrivate(s string) (Keys, error) {
	seed, err := parseKeyText(s, privateLabel, ed25519.SeedSize)
	if err != nil {
		return Keys{}, errs.Wrap(err, ErrBadKey, "Which", "private")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub, _ := priv.Public().(ed25519.PublicKey)
	return Keys{Private: priv, Public: pub}, nil
}

// MarshalPublic is a public key as text, to give to the cloud or another
// point of the same owner.
func MarshalPublic(pub ed25519.PublicKey) (string, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", errs.New(ErrBadKey, "Which", "public")
	}
	return publicLabel + keyText.EncodeToString(pub), nil
}

// ParsePublic reads MarshalPublic's text.
func ParsePublic(s string) (ed25519.PublicKey, error) {
	b, err := parseKeyText(s, publicLabel, ed25519.PublicKeySize)
	if err != nil {
		return nil, errs.Wrap(err, ErrBadKey, "Which", "public")
	}
	return ed25519.PublicKey(b), nil
}

func parseKeyText(s, label string, size int) ([]byte, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), label)
	if !ok {
		return nil, fmt.Errorf("key text does not start with %q", label)
	}
	b, err := keyText.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("key text: %w", err)
	}
	if len(b) != size {
		return nil, fmt.Errorf("key is %d bytes, want %d", len(b), size)
	}
	return b, nil
}
