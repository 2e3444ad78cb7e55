package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// Flags of vehicle queries.
const (
	flagVehLiens = "liens"
)

func (c *cli) queryVehicleCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vehicle",
		Short: "Vehicles by VIN, plate or owner; transfers and liens",
		Long: `Vehicle records. VINs and plates are upper-cased (plates stripped of
spaces). "plate" answers the plate index record naming the VIN; read the
vehicle next with "vehicle VIN" at the same --height.
With --prove every key the answer rests on is proven (see govchain query --help).`,
	}
	leaf := func(use, short string, p func(args []string) (string, error)) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				qp, err := p(args)
				if err != nil {
					return err
				}
				return c.runQuery(cmd, qp)
			},
		}
	}
	vinPath := func(suffix string) func([]string) (string, error) {
		return func(args []string) (string, error) {
			vin := strings.ToUpper(strings.TrimSpace(args[0]))
			if vin == "" || strings.Contains(vin, "/") {
				return "", fmt.Errorf("%q is not a VIN", args[0])
			}
			return "/vehicle/vehicle/" + vin + suffix, nil
		}
	}
	idPath := func(table string) func([]string) (string, error) {
		return func(args []string) (string, error) {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil || id == 0 {
				return "", fmt.Errorf("%q is not a %s id (a positive number)", args[0], table)
			}
			return fmt.Sprintf("/vehicle/%s/%d", table, id), nil
		}
	}
	veh := leaf("vehicle VIN [--history | --liens]", "A vehicle (or its history, or its active liens)",
		func(args []string) (string, error) {
			history, liens := c.v.GetBool(flagHistory), c.v.GetBool(flagVehLiens)
			switch {
			case history && liens:
				return "", fmt.Errorf("give --%s or --%s, not both", flagHistory, flagVehLiens)
			case history:
				return vinPath("/history")(args)
			case liens:
				return vinPath("/liens")(args)
			}
			return vinPath("")(args)
		})
	veh.Flags().Bool(flagHistory, false, "the vehicle's full history instead")
	veh.Flags().Bool(flagVehLiens, false, "the vehicle's active liens instead")
	cmd.AddCommand(
		veh,
		leaf("plate PLATE", "The plate index record: which VIN carries a plate", func(args []string) (string, error) {
			p := normalisePlate(args[0])
			if p == "" || strings.Contains(p, "/") {
				return "", fmt.Errorf("%q is not a plate", args[0])
			}
			return "/vehicle/plate/" + p, nil
		}),
		leaf("owner ACCOUNT", "The vehicles an account owns", func(args []string) (string, error) {
			a, err := c.keyring().ResolveAddress(args[0])
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("/vehicle/owner/%s/vehicles", a), nil
		}),
		leaf("transfer ID", "One transfer", idPath("transfer")),
		leaf("lien ID", "One lien", idPath("lien")),
	)
	return cmd
}
