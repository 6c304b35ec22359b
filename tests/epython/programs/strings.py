/* strings: concatenation with implicit number formatting, equality */
a="hello"
b="world"
c=a+" "+b
print c
print "n="+3
print "x="+3.5
print "t="+true
print "f="+false
print "none="+none
print 3+" apples"
s=""
s=s+"ab"
s=s+"cd"
print s
if c == "hello world": print "equal"
if a != "x": print "different"
if a == "x":
    print "wrong"
else:
    print "not x"
print "single 'quotes' inside"
n=0
msg="count:"
while n < 3:
    msg=msg+" "+n
    n+=1
print msg
