"""评审通 reviewer: offline expert review panels for the Yunnan trade unions."""

__version__ = "0.1.0"
