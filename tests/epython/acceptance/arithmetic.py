/* arithmetic on every core: C integer division and remainder, // through the host's floor,
   power at the precedence of *, 32-bit wrap-around, float32 reals printed with %f */
from parallel import *

me=coreid()
a=me*7+3
b=me%4+2
print a/b
print a%b
print (0-a)/b
print (0-a)%b
print a//b
print (0-a)//b
print 2^me
print (me+1)**3
print 2*3^2+me
print a*b-me*10
print me*300000000
print (me+1)/3.0
print a*1.5
print 0.1*me
print 1.0e3+me
print a/2.0-1
x=me
x+=5
x*=3
x-=1
x/=2
x%=7
print x
y=me+0.5
y*=y
print y
print a > b*3
print me == 0
