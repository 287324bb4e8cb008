"""The built-in exporters: BibTeX, CSL-JSON and RIS, each a :class:`paperbib.plugins.Exporter`."""
