"""Library behind gen_cloudtrail.py: catalog, identities, records, scenarios, layout, oracle."""
