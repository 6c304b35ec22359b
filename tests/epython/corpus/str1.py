print "hello"+" "+"world"
x=str(5)
print "n="+x
print true
print none
print false
