#首先,你需要导入Python的socket库
import socket

def start_server(host='127.0.0.1', port=8888):
    #使用socket.socket()函数创建一个socket对象。
    #对于TCP连接,通常使用AF_INET(IPv4)和SOCK_STREAM(流式socket,即TCP)。
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    #使用bind()方法将socket绑定到特定的IP地址和端口上。
    #在大多数情况下,服务器会监听所有可用的网络接口(使用''或0.0.0.0作为IP地址),并选择一个未被占用的端口。
    server_socket.bind((host, port))
    #使用listen()方法让服务器监听连接。这个方法指定了服务器可以同时处理的最大连接数(即“backlog”队列的大小)。
    server_socket.listen(5)
    print(f"服务器启动,监听 {host}:{port}")
    #服务器通过无限循环不断接受客户端的连接。
    #accept()方法会阻塞,直到一个连接到达。它返回一个元组,包含一个新的socket对象(用于与客户端通信)和客户端的地址。*斜体样式*
    while True:
        client_socket, addr = server_socket.accept()
        print(f"连接地址: {addr}")
        try:
            while True:
                #这行代码尝试从client_socket(一个已经建立的TCP连接)接收最多1024字节的数据。
                #.recv(1024)方法返回接收到的原始字节数据,然后通过.decode()方法将其解码为字符串,以便可以打印和进一步处理。
                data = client_socket.recv(1024).decode('utf-8')
                if not data:
                    break
                print(f"收到: {data}")
                #在将数据打印到控制台之后,这行代码将相同的数据(但这次作为字节数据,通过data.encode()转换)发送回客户端。
                #注意,这在实际应用中可能不是一个好主意,因为它会创建无限的数据回环(除非客户端在发送新数据之前关闭连接或发送某种特定的结束信号)。
                client_socket.sendall(data.encode('utf-8'))
        finally:
            #无论try块中的代码是否成功执行或是否发生异常,finally块中的代码都会执行。
            #这确保了client_socket最终会被关闭,释放了与之关联的资源。
            client_socket.close()

if __name__ == "__main__":
    start_server()
