"""``python -m flextime.scenarios``: regenerate the committed YAML copies of the built-in scenarios."""

from flextime.scenarios import write_builtin_yaml

for path in write_builtin_yaml():
    print(path)
