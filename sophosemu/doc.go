// Package sophosemu emulates the parts of Sophos Central that a partner
// (MSP) integration uses: the token service, whoami, the Partner API
// (tenants, monthly billing usage) and the Common alerts API on regional
// hosts. It is stateful and deterministic for a seed, so tests and the
// `centralpsa emulate sophos` command see the same customers.
//
// One listener plays every host. The token service and the global API sit
// at the base URL; each data region is a path prefix ({base}/r/eu02), and
// whoami and every tenant's apiHost point there. A client that builds
// api-<region> names, or calls a tenant on the global or a wrong regional
// host, gets a 404, which is the point: the real rule is "use apiHost
// verbatim" (docs/sophos-central-api.md §6, §12).
//
// The emulator never imports the client package centralpsa/sophos: it
// encodes its own structs, so a wrong JSON tag in the client cannot agree
// with a wrong tag here. Fault injection, the request log and the rate
// limit come from centralpsa/emu.
package sophosemu
