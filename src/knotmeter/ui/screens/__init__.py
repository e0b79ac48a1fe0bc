"""The app's screens: tool picker, live view, and the region and help dialogs."""
