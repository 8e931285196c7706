package dev.codeact.spring.advisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.codeact.spring.sandbox.Language;
import dev.codeact.spring.session.PendingApproval;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

class PendingApprovalsInResponseTest {
    private static final PendingApproval PENDING = new PendingApproval("a-1", "c-1", Language.JAVASCRIPT, "refund",
            "{\"orderId\":\"O-1\"}", Map.of(), Instant.EPOCH, Instant.EPOCH.plusSeconds(3600), 4096);

    private static ChatClientResponse response() {
        ChatResponse chat = ChatResponse.builder().generations(List.of(new Generation(new AssistantMessage("It waits."))))
                .metadata(ChatResponseMetadata.builder().id("chatcmpl-1").model("m").build()).build();
        return ChatClientResponse.builder().chatResponse(chat).context(Map.of("mine", "kept")).build();
    }

    @Test
    void thePendingApprovalsJoinTheMetadataAndTheContextAndNothingIsLost() {
        ChatClientResponse attached = PendingApprovalsInResponse.attach(response(), List.of(PENDING));

        assertThat(PendingApprovalsInResponse.of(attached.chatResponse())).containsExactly(PENDING);
        assertThat(attached.context()).containsEntry(PendingApprovalsInResponse.KEY, List.of(PENDING))
                .containsEntry("mine", "kept");
        assertThat(attached.chatResponse().getMetadata().getId()).isEqualTo("chatcmpl-1");
        assertThat(attached.chatResponse().getMetadata().getModel()).isEqualTo("m");
        assertThat(attached.chatResponse().getResult().getOutput().getText()).isEqualTo("It waits.");
    }

    @Test
    void withNothingPendingTheResponseIsUntouched() {
        ChatClientResponse response = response();
        assertThat(PendingApprovalsInResponse.attach(response, List.of())).isSameAs(response);
        assertThat(PendingApprovalsInResponse.of(response.chatResponse())).isEmpty();
        assertThat(PendingApprovalsInResponse.of(null)).isEmpty();
    }

    @Test
    void aResponseWithoutAChatResponseStillCarriesThemInItsContext() {
        ChatClientResponse attached = PendingApprovalsInResponse.attach(
                ChatClientResponse.builder().context(Map.of()).build(), List.of(PENDING));
        assertThat(attached.chatResponse()).isNull();
        assertThat(attached.context()).containsEntry(PendingApprovalsInResponse.KEY, List.of(PENDING));
    }
}
