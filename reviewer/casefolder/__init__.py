"""Reading and validating a secretary's case folder (spreadsheets, case.toml, materials)."""

from reviewer.casefolder.problems import CaseFolderInvalid, Problem
from reviewer.casefolder.reader import read_case_folder

__all__ = ["CaseFolderInvalid", "Problem", "read_case_folder"]
