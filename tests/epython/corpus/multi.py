a=1 b=2
if a==1: b=3 a=4
print a print b
