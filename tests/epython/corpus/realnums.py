a=1.5
b=.5
c=5.
d=1e3
e=1.5f
f=2.5e-2
g=017
h=10L
print a+b+c+d+e+f+g+h
