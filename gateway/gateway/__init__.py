"""Gateway: the only public door. Accounts and roles, routing, OpenAPI, the public pages."""
