module github.com/stackslice/stackslice

go 1.26.8

require (
	github.com/magefile/mage v1.17.2 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
