"""IEC 61131-3 Structured Text, plain and inside TwinCAT XML, with B&R declaration files."""

from plantls.languages.st.language import StLanguage

ST_LANGUAGE = StLanguage()

__all__ = ["ST_LANGUAGE", "StLanguage"]
