package sophosemu

// UnknownProductCode is a licence code that appears in the billing report
// but in no catalog mapping: one usage tenant buys it every month, so sync
// code has to report an unmapped product rather than drop it silently.
const UnknownProductCode = "CAIDR-MSP"

// product is one MSP Flex licence as the billing report describes it. The
// codes are real (§11); SKUs, descriptions and prices are the emulator's
// own inventions in Sophos's style.
type product struct {
	code, sku, description, group string
	msrp, price                   int64 // US cents per unit and month
}

var catalog = []product{
	{"CIXA-MSP", "CIXAMSP1M", "Intercept X Advanced - User - MSP Monthly", "User", 300, 225},
	{"XDR-MSP", "CXDRMSP1M", "Sophos XDR - User - MSP Monthly", "User", 450, 340},
	{"CIXAXDR-MSP", "CIXAXDRM1", "Intercept X Advanced with XDR - User - MSP Monthly", "User", 500, 375},
	{"CIXAMTR-STD-MSP", "CIXMTRSM1", "MDR Essentials - User - MSP Monthly", "User", 800, 600},
	{"CIXAMTR-ADV-MSP", "CIXMTRAM1", "MDR Complete - User - MSP Monthly", "User", 1100, 825},
	{"SVRCLOUDADV-MSP", "SVRCLDAM1", "Sophos Endpoint - Server - MSP Monthly", "Server", 900, 675},
	{"SVRCIXAXDR-MSP", "SVRXDRMS1", "Intercept X Advanced for Server with XDR - MSP Monthly", "Server", 1300, 975},
	{"SVRCIXAMTR-STD-MSP", "SVRMTRSM1", "MDR Essentials - Server - MSP Monthly", "Server", 1900, 1425},
	{"CDE-MSP", "CDEMSPU1M", "Central Device Encryption - User - MSP Monthly", "User", 150, 110},
	{"CPHISH-MSP", "CPHMSPU1M", "Phish Threat - User - MSP Monthly", "User", 120, 90},
	{"CMS-MSP", "CMSMSPD1M", "Mobile Standard - Device - MSP Monthly", "Device", 140, 105},
	{"CMA-MSP", "CMAMSPD1M", "Mobile Advanced - Device - MSP Monthly", "Device", 210, 160},
	{"CEMA-MSP", "CEMAMSPU1", "Email Advanced - User - MSP Monthly", "User", 190, 145},
	{UnknownProductCode, "CAIDRMSP1", "AI Detection and Response add-on - MSP Monthly", "User", 250, 190},
}

var productByCode = func() map[string]int {
	m := make(map[string]int, len(catalog))
	for i, p := range catalog {
		m[p.code] = i
	}
	return m
}()

// productFor returns the catalog entry for code, or a plain one for codes
// a test invented.
func productFor(code string) product {
	if i, ok := productByCode[code]; ok {
		return catalog[i]
	}
	return product{code: code, sku: "MSPNEW01", description: code + " - MSP Monthly", group: "User", msrp: 100, price: 75}
}

// What a usage tenant buys: one endpoint licence, usually a matching
// server licence, and one to three add-ons.
var (
	endpointCodes = []string{"CIXA-MSP", "CIXA-MSP", "CIXAXDR-MSP", "XDR-MSP", "CIXAMTR-STD-MSP", "CIXAMTR-ADV-MSP"}
	serverFor     = map[string]string{
		"CIXA-MSP": "SVRCLOUDADV-MSP", "CIXAXDR-MSP": "SVRCIXAXDR-MSP", "XDR-MSP": "SVRCIXAXDR-MSP",
		"CIXAMTR-STD-MSP": "SVRCIXAMTR-STD-MSP", "CIXAMTR-ADV-MSP": "SVRCIXAMTR-STD-MSP",
	}
	addOnCodes = []string{"CDE-MSP", "CPHISH-MSP", "CMS-MSP", "CEMA-MSP", "CMA-MSP"}
	// termCodes are what term and trial tenants show in products[]; they
	// are not billed monthly, so they never reach the usage report.
	termCodes = [][]string{{"CIXA"}, {"CIXAMTR", "SVRCIXAMTR"}, {"CIXE"}}
)
