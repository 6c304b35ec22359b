x=input()*2
y=1+input()
