import socket

def udp_client(server_host='127.0.0.1', server_port=12345):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        while True:
            message = input("Enter message (or 'quit' to exit): ")
            if message.lower() == 'quit':
                break
            # 发送消息到服务器
            s.sendto(message.encode('utf-8'), (server_host, server_port))
            # 接收服务器的响应
            data, server = s.recvfrom(1024)
            print(f"Received from server: {data.decode('utf-8')}")

if __name__ == "__main__":
    udp_client()
