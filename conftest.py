pytest_plugins = ["servicedesk_common.testing"]
