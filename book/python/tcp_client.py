# client.py
import socket
# 创建 socket 对象
client_socket = socket.socket()
# 获取本地主机名
host = '127.0.0.1'
port =8888
# 连接服务,.connect里边是元组,指定要连接的服务器ip和端口
client_socket.connect((host, port))
# 发送数据
message = '你好,服务器!'
client_socket.send(message.encode('utf-8'))
# 接收小于 1024 字节的数据
#data = client_socket.recv(1024).decode('utf-8')
print('来自服务器的数据:', data)
# 关闭连接
client_socket.close()
