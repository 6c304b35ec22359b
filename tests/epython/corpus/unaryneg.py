a=5
b=a - 1
c=a-1
d=2*-3
e=a--1
print b+c+d+e
