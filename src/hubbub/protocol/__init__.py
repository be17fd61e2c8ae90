"""The wire contract shared by server and SDK. Imports no I/O library."""
