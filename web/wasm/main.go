//go:build js && wasm

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/govchain/govchain/web/verifier"
)

func main() {
	js.Global().Set("govchainVerify", js.FuncOf(verifyFunc))
	js.Global().Set("govchainTrust", js.FuncOf(trustFunc))
	js.Global().Set("govchainPathKey", js.FuncOf(pathKeyFunc))
	js.Global().Set("govchainSHA256", js.FuncOf(sha256Func))
	if ready := js.Global().Get("govchainVerifierReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

// verifyFunc is govchainVerify(certificate, trust, agencies).
func verifyFunc(_ js.Value, args []js.Value) any {
	if len(args) < 2 {
		return encode(verifier.Report{Entries: []verifier.Entry{}, Error: "verifier: govchainVerify needs a certificate and a trust root"})
	}
	cert, err := bytesOf(args[0])
	if err != nil {
		return encode(verifier.Report{Entries: []verifier.Entry{}, Error: "verifier: certificate: " + err.Error()})
	}
	trust, err := bytesOf(args[1])
	if err != nil {
		return encode(verifier.Report{Entries: []verifier.Entry{}, Error: "verifier: trust root: " + err.Error()})
	}
	var agencies []verifier.Agency
	if len(args) > 2 && args[2].Type() == js.TypeString && args[2].String() != "" {
		if err := json.Unmarshal([]byte(args[2].String()), &agencies); err != nil {
			return encode(verifier.Report{Entries: []verifier.Entry{}, Error: "verifier: agencies: " + err.Error()})
		}
	}
	return encode(verifier.Check(cert, trust, agencies))
}

// trustFunc is govchainTrust(trust).
func trustFunc(_ js.Value, args []js.Value) any {
	if len(args) < 1 {
		return encode(verifier.TrustSummary{Error: "verifier: govchainTrust needs a trust root"})
	}
	b, err := bytesOf(args[0])
	if err != nil {
		return encode(verifier.TrustSummary{Error: "verifier: trust root: " + err.Error()})
	}
	return encode(verifier.Trust(b))
}

// pathKeyFunc is govchainPathKey(path).
func pathKeyFunc(_ js.Value, args []js.Value) any {
	if len(args) < 1 || args[0].Type() != js.TypeString {
		return ""
	}
	return verifier.PathKey(args[0].String())
}

// sha256Func is govchainSHA256(bytes): the SHA-256 of a file, for a page
// served where crypto.subtle is not available (not a secure context).
func sha256Func(_ js.Value, args []js.Value) any {
	if len(args) < 1 {
		return ""
	}
	b, err := bytesOf(args[0])
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// bytesOf returns the bytes of a Uint8Array or the UTF-8 of a string.
func bytesOf(v js.Value) ([]byte, error) {
	switch {
	case v.Type() == js.TypeString:
		return []byte(v.String()), nil
	case v.InstanceOf(js.Global().Get("Uint8Array")):
		b := make([]byte, v.Get("length").Int())
		js.CopyBytesToGo(b, v)
		return b, nil
	}
	return nil, fmt.Errorf("a Uint8Array or a string, not %s", v.Type())
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf(`{"verified":false,"entries":[],"error":%q}`, "verifier: encode: "+err.Error())
	}
	return string(b)
}
