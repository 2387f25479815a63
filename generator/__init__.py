"""speechgen: drafts party-building meeting speeches from a YAML config, offline and reproducibly."""

__version__ = "0.1.0"
