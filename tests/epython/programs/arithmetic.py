/* arithmetic: ePython's operators, precedence and number formatting */
a=7
b=2
print a+b
print a-b
print a*b
print a/b
print -7/2
print a%b
print -7%2
print a//b
print 2^10
print 2**3**2
print 2*3^2
print 1+2*3
print (1+2)*3
print 10-2-3
print 7.0/2
print 1.5+1
print 3*1.5
print 0.1+0.2
print 3 > 2
print 1 == 2
print 1e3
x=5
x+=3
print x
x-=1
print x
x*=2
print x
x/=4
print x
x%=2
print x
y=9
y//=2
print y
z=3
z**=2
print z
big=46341*46341
print big
