"""USB serial links: pyserial source with endless reconnect, wire drivers, discovery."""
