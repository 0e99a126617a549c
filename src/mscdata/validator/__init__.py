"""Stage 3, validating: a data package's descriptor, its tables read and checked by
the fast engine (reading, column checks, key checks) or by frictionless, the checks no
Table Schema can say (semantics), and the report (:func:`mscdata.validate`)."""
