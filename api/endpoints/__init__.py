"""The JSON endpoints, one module per subject. Each reads through its app's selectors with the caller
(token owner or session user), so the API shows exactly what the portal's pages would."""
