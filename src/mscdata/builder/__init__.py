"""Stage 2, building: a manifest's sources read (parsers), merged per article, made
into table rows and written with their descriptor as one data package
(:func:`mscdata.build`)."""
