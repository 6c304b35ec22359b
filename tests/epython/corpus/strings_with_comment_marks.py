print "a # b"
print "c /* d */ e"
x=1 /* tail */
print x
