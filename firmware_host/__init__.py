"""The host side of the link to a tool: codec, transports, discovery, drivers."""
