"""Bluetooth LE link: bleak source with endless reconnect, our GATT service, the Progressor."""
