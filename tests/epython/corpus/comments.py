/* header
  comment */
# a comment
x=1 /* inline */ + 2
   # indented comment
print x # trailing
