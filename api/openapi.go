package api

import (
	"context"
	_ "embed"
	"net/http"
)

// OpenAPI is the OpenAPI 3 document of the API, served at /openapi.json.
//
//go:embed openapi.json
var OpenAPI []byte

func (h *handler) openapi(context.Context, *http.Request) (*reply, error) {
	return &reply{raw: OpenAPI}, nil
}
