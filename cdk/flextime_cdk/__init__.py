"""FlexTime infrastructure (AWS CDK, Python): one construct per concern, composed by :mod:`stack`."""
