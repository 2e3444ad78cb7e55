package main

import (
	"fmt"

	"github.com/govchain/govchain/abci"
)

func main() {
	fmt.Println("| code | meaning |")
	fmt.Println("|---|---|")
	fmt.Println("| 0 | success |")
	fmt.Println("| 1 | internal error (a bug or an unexpected failure; the log says what) |")
	for _, c := range abci.Codes() {
		fmt.Printf("| %d | %s |\n", c.Code, c.Meaning)
	}
}
