"""The participants' command-line client for the XACLE competition server.

Standard library only, so that it runs from a training script on any machine with Python:
`python -m xacle_cli submit predictions.csv --system Me_Lab_01 --wait`. The server is named
by XACLE_URL, the participant by XACLE_TOKEN and the competition by XACLE_COMPETITION."""

__version__ = "0.1.0"
