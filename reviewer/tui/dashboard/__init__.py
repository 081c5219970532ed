"""The secretary's dashboard: one pane per module, fed by one snapshot built in a worker."""
