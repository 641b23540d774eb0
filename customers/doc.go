// Package customers ties Sophos Central tenants to ConnectWise companies and
// agreements, and Sophos product codes to ConnectWise catalog items, with
// real I/O: it reads tenants from Sophos, companies, agreements and catalog
// items from ConnectWise, asks the pure mapping and usage packages what to
// do, and stores the result. The `map` and `products` commands, the web
// console and the service's daily refresh all go through Service.
//
// Nothing here writes to ConnectWise or Sophos: mapping is a decision kept
// in our database. ConnectWise lists are read with pageSize=1000 and server
// side conditions (deletedFlag=false, company/id=…), never one call per row.
package customers
