//go:build !race

package loyalty

const raceBuild = false
