"""One screen per module, named after what it shows; its styles in the .tcss beside it."""
