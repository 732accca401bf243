//go:build tools

// Package tools only records, for `go mod tidy`, the main package this module builds.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
