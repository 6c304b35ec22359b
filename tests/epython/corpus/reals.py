a=1e-3
b=2.5E+2
c=-.5
d=0.0
print a+b+c+d
