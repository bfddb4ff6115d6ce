"""The double-entry ledger of community currencies: accounts, transfers, flows, books."""
