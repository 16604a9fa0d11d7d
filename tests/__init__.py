"""mock-idx's test suite. A package (as moto's is) so that every test imports shared helpers by their full path,
``from tests.support.idx import Flow``, with no ``pythonpath`` setting and no bare module names."""
