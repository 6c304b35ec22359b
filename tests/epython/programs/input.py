/* input: a string and a number typed by the user (the host works out the type) */
s=input("Name? ")
print "Hello "+s
n=input("Number? ")
print n*2
