x="a"
y=x+1+2.5+true
print y
