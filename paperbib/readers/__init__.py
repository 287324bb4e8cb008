"""Built-in readers, one module per digest format."""
