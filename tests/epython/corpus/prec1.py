a=1
b=2
c=a+b*3-4/2%5
d=2*3^2
e=2**3**2
f=a<b and b>=a or a==b
g=not a<>b
h=a//b
i=-3
j=+2.5
k=-1.5e3
print c+d+e
